"""The right client for an account, with its decrypted credentials."""

from django.conf import settings

from campaigns.credentials import decrypt_credentials
from campaigns.models import AdAccount, Platform
from executors.clients.adobe import AdobeClient
from executors.clients.google_ads import GoogleAdsClient


def client_for(account: AdAccount):
    credentials = decrypt_credentials(account.credentials_ciphertext)
    if account.platform == Platform.ADOBE:
        return AdobeClient(
            base_url=account.api_base_url,
            credentials=credentials,
            timeout=settings.PLATFORM_TIMEOUT_S,
        )
    if account.platform == Platform.GOOGLE_ADS:
        # The customer id is the account's external id ("123-456-7890"; dashes dropped).
        return GoogleAdsClient(
            base_url=account.api_base_url,
            customer_id=account.external_id,
            credentials=credentials,
            timeout=settings.PLATFORM_TIMEOUT_S,
            api_version=settings.GOOGLE_ADS_API_VERSION,
        )
    raise NotImplementedError(f"No client for platform {account.platform!r} yet.")
