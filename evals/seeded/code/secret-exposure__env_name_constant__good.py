# Clean twin of the seeded defect (our own code): the constant names the variable.
import os

import requests

API_KEY_ENV = "ACME_API_KEY"
r = requests.get("https://x.example", headers={"X-Key": os.environ[API_KEY_ENV]}, timeout=5)
r.raise_for_status()
