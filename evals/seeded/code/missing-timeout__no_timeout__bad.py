# Seeded defect for apiplan's rule tests (our own code; not a real client).
import requests
r = requests.get('https://x.example/a')
r.raise_for_status()
