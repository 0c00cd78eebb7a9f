# Seeded defect for apiplan's rule tests (our own code; not a real client).
import requests
try:
    r = requests.get('https://x.example', timeout=5)
    r.raise_for_status()
except Exception:
    pass
