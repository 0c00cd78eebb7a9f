# Seeded defect for apiplan's rule tests (our own code; not a real client).
import httpx
r = httpx.get('https://x.example/a', timeout=None)
r.raise_for_status()
