# Clean twin (our own code, invented): the partial carries a finite timeout.
from functools import partial

import requests


def edit(url: str, body: dict) -> requests.Response:
    send = partial(requests.patch, url, json=body, timeout=(3.05, 15))
    response = send()
    response.raise_for_status()
    return response
