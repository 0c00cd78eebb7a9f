# Clean twin (our own code, invented): the caller passes a finite timeout through the wrapper.
import httpx


class Client:
    def __init__(self) -> None:
        self.http = httpx.Client(timeout=10)

    def _send(self, method: str, url: str, **kwargs: object) -> httpx.Response:
        response = self.http.request(method, url, **kwargs)
        response.raise_for_status()
        return response

    def delete(self, url: str) -> httpx.Response:
        return self._send("DELETE", url, timeout=5)
