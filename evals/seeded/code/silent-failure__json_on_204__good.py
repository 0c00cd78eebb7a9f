# Clean twin of the seeded defect (our own code).
import json

import requests


def remove(url):
    r = requests.delete(url, timeout=5)
    if r.status_code == 204:
        return None
    r.raise_for_status()
    return json.loads(r.content)
