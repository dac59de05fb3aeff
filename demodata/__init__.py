"""Demo and benchmark data, kept out of the product apps.

* `manage.py demo` (management/commands/demo.py) loads the demo company Acme; each
  conversation's records are in acme/<conversation>.py.
* `manage.py generate_dataset` (management/commands/generate_dataset.py) builds the seeded
  benchmark dataset; the bulk-insert machinery is generate/batch.py and each conversation's
  generator is generate/<conversation>.py.

No models: the app is installed only so that Django finds its management commands.
"""
