# Clean twin of the seeded defect (our own code).
import requests, logging
try:
    r = requests.get('https://x.example', timeout=5)
    r.raise_for_status()
except requests.HTTPError:
    logging.exception('failed')
    raise
