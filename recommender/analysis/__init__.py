"""The analyst's tools: evaluation of a model, the report's progression tables, the investment model
(Bilag B) and the static HTML evaluation report.
"""
