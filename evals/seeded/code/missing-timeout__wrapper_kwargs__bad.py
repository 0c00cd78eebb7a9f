# Seeded defect (our own code, invented): a wrapper forwards **kwargs, a caller passes None.
import httpx


class Client:
    def __init__(self) -> None:
        self.http = httpx.Client(timeout=10)

    def _send(self, method: str, url: str, **kwargs: object) -> httpx.Response:
        response = self.http.request(method, url, **kwargs)
        response.raise_for_status()
        return response

    def delete(self, url: str) -> httpx.Response:
        return self._send("DELETE", url, timeout=None)
