# Clean twin (our own code, invented): after the loop the last response is checked.
import time

import requests


def send(url: str) -> requests.Response:
    response = requests.post(url, timeout=5)
    attempts = 0
    while response.status_code == 429 and attempts < 3:
        attempts += 1
        time.sleep(min(float(response.headers.get("Retry-After", "1")), 30))
        response = requests.post(url, timeout=5)
        if response.status_code == 200:
            return response
    response.raise_for_status()
    return response
