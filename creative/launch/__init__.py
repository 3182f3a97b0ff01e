"""A launch's asset generation, one module per step: strategy, copy, images, safety.

`steps.run_step(campaign_id, step)` runs one step and names the next; the task layer
(spectra.launch) runs each in its own task. Every step looks at the rows that exist
and makes only what is missing, writing each unit (an ad group's plan, an ad's copy,
an image, a verdict) in one transaction, so a step run twice or killed half-way and
run again ends with the same rows and no AI call repeated for a finished unit.
"""
