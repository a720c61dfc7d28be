from recommender.cli import run

run()
