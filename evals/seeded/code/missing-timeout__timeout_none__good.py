# Clean twin of the seeded defect (our own code).
import httpx
r = httpx.get('https://x.example/a', timeout=5)
r.raise_for_status()
