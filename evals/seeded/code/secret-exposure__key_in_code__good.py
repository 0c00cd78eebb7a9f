# Clean twin of the seeded defect (our own code).
import os, requests
API_KEY = os.environ['API_KEY']
r = requests.get('https://x.example', timeout=5)
r.raise_for_status()
