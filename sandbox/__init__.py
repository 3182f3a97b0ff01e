"""Spectra's sandboxes: simulated services served over real HTTP on loopback, no Django.

`sandbox.llm` is a model provider in the OpenAI API shape (Chat Completions and Images).
The ad platforms' sandbox still lives in `executors.sandbox`; it belongs here too and
moves when nothing else is changing it.
"""
