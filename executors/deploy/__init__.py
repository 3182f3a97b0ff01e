"""Deploying a launch: one campaign in DEPLOYING created on its platform (issue 15)."""

from executors.deploy.run import deploy_campaign

__all__ = ["deploy_campaign"]
