# Clean twin of the seeded defect (our own code).
import requests
r = requests.get('https://x.example/a', timeout=(3, 10))
r.raise_for_status()
