# Seeded defect for apiplan's rule tests (our own code; not a real client).
import requests

API_KEY_ENV = "Hq7rWm3Zt9Lx2Bv5"
r = requests.get("https://x.example", headers={"X-Key": API_KEY_ENV}, timeout=5)
r.raise_for_status()
