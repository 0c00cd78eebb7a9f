# Clean twin of the seeded defect (our own code).
import logging, requests
log = logging.getLogger()
def f(token):
    r = requests.get('https://x.example', timeout=5)
    r.raise_for_status()
    log.info('sent')
