# Seeded defect for apiplan's rule tests (our own code; not a real client).
import time, requests
r = requests.get('https://x.example', timeout=5)
while r.status_code == 429:
    time.sleep(1)
    r = requests.get('https://x.example', timeout=5)
