# Seeded defect for apiplan's rule tests (our own code; not a real client).
import requests
API_KEY = 'q8Zr4Lm2Xv9Tb6Wn'
r = requests.get('https://x.example', timeout=5)
r.raise_for_status()
