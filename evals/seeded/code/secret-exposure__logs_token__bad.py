# Seeded defect for apiplan's rule tests (our own code; not a real client).
import logging, requests
log = logging.getLogger()
def f(token):
    r = requests.get('https://x.example', timeout=5)
    r.raise_for_status()
    log.info('using %s', token)
