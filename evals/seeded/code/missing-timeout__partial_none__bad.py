# Seeded defect (our own code, invented): a call made through functools.partial, timeout=None.
from functools import partial

import requests


def edit(url: str, body: dict) -> requests.Response:
    send = partial(requests.patch, url, json=body, timeout=None)
    response = send()
    response.raise_for_status()
    return response
