import sys

try:
    from recommender.cli import run
except KeyboardInterrupt:  # Ctrl-C while the package is still being imported
    sys.exit(130)

run()
