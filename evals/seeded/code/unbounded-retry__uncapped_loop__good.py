# Clean twin of the seeded defect (our own code).
import time, requests
for attempt in range(3):
    r = requests.get('https://x.example', timeout=5)
    if r.status_code != 429:
        break
    time.sleep(1)
