# Seeded defect for apiplan's rule tests (our own code; not a real client).
import json

import requests


def remove(url):
    r = requests.delete(url, timeout=5)
    if r.status_code in (200, 204):
        print("removed")
    else:
        r.raise_for_status()
    return json.loads(r.content)
