"""Amazon SES v2 as a mail transport, configured the dagster-aws way.

Credentials come only from boto3's own chain (environment, shared profile, instance or task
role). boto3's retries are turned off (`total_max_attempts: 1`): SES has no idempotency key, and
a retried request after a read timeout can deliver the same email twice. The delivery code
retries only errors that prove nothing was sent.

Pre-flight uses SES v1's GetIdentityVerificationAttributes and GetSendQuota, which answer the
same on SES and on moto's server (moto's v2 GetEmailIdentity always says "not verified", and it
lacks v2 GetAccount).
"""

from typing import Any, ClassVar

import boto3
from botocore.config import Config
from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    ConnectTimeoutError,
    EndpointConnectionError,
    ReadTimeoutError,
)
from dagster_aws.utils import ResourceWithBoto3Configuration
from pydantic import PrivateAttr

from exec_reporting.delivery import NotSent, OutcomeUnknown, Preflight, PreflightError, Refused

# Errors that prove SES did not take the message.
THROTTLING = {
    "Throttling",
    "ThrottlingException",
    "TooManyRequestsException",
    "LimitExceededException",
}


class SesTransport(ResourceWithBoto3Configuration):
    """Sends raw MIME messages with SES v2 SendEmail; BCC addresses go in Destination only."""

    name: ClassVar[str] = "ses"
    # boto3's own retries stay off: see the module's docstring.
    max_attempts: int = 1
    configuration_set: str | None = None
    connect_timeout: float = 10.0
    read_timeout: float = 30.0
    _clients: dict[str, Any] = PrivateAttr(default_factory=dict)

    def client(self, service: str):
        if service not in self._clients:
            session = boto3.session.Session(
                profile_name=self.profile_name,
                region_name=self.region_name,
                aws_access_key_id=self.aws_access_key_id,
                aws_secret_access_key=self.aws_secret_access_key,
                aws_session_token=self.aws_session_token,
            )
            self._clients[service] = session.client(
                service,
                endpoint_url=self.endpoint_url,
                use_ssl=self.use_ssl,
                verify=self.verify,
                config=Config(
                    retries={"total_max_attempts": 1},
                    connect_timeout=self.connect_timeout,
                    read_timeout=self.read_timeout,
                ),
            )
        return self._clients[service]

    def preflight(self, sender: str) -> Preflight:
        v1 = self.client("ses")
        domain = sender.rpartition("@")[2]
        where = f"SES in {v1.meta.region_name}"
        try:
            attributes = v1.get_identity_verification_attributes(Identities=[sender, domain])
        except (ClientError, BotoCoreError) as error:
            raise PreflightError(
                f"cannot ask {where} whether {sender} is verified: {error}"
            ) from None
        statuses = {
            identity: value.get("VerificationStatus")
            for identity, value in attributes.get("VerificationAttributes", {}).items()
        }
        if "Success" not in (statuses.get(sender), statuses.get(domain)):
            raise PreflightError(
                f"the sender {sender} is not verified in {where} (address: "
                f"{statuses.get(sender) or 'unknown'}, domain {domain}: "
                f"{statuses.get(domain) or 'unknown'}): verify the address or its domain in SES "
                "(`aws sesv2 create-email-identity --email-identity ...`), or change "
                "delivery.sender. Nothing was sent."
            )
        try:
            quota = v1.get_send_quota()
        except (ClientError, BotoCoreError) as error:
            return Preflight(max_send_rate=1.0, note=f"send quota unreadable ({error}): 1 a second")
        sent, allowed = quota.get("SentLast24Hours", 0), quota.get("Max24HourSend", 0)
        if allowed >= 0 and sent >= allowed:
            raise PreflightError(
                f"the SES sending quota of {where} is used up ({sent:.0f} of {allowed:.0f} in the "
                "last 24 hours): wait, or ask AWS for a higher quota. Nothing was sent."
            )
        rate = quota.get("MaxSendRate") or 1.0
        return Preflight(
            max_send_rate=float(rate), note=f"{where}, {allowed - sent:.0f} left in 24 hours"
        )

    def send(
        self, raw: bytes, sender: str, to: list[str], bcc: list[str], meta: dict[str, Any]
    ) -> str:
        request: dict[str, Any] = {
            "FromEmailAddress": sender,
            "Destination": {"ToAddresses": to, "BccAddresses": bcc},
            "Content": {"Raw": {"Data": raw}},
        }
        if self.configuration_set:
            request["ConfigurationSetName"] = self.configuration_set
        try:
            return self.client("sesv2").send_email(**request)["MessageId"]
        except ClientError as error:
            code = error.response.get("Error", {}).get("Code", "")
            status = error.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0)
            text = f"{code or status}: {error.response.get('Error', {}).get('Message', '')}"
            if code in THROTTLING or status == 429:
                raise NotSent(text) from None
            if status >= 500:
                raise OutcomeUnknown(f"server error {text}") from None
            raise Refused(text) from None
        except (EndpointConnectionError, ConnectTimeoutError) as error:
            # no connection was made: nothing can have been sent
            raise NotSent(str(error)) from None
        except ReadTimeoutError as error:
            raise OutcomeUnknown(f"no answer in {self.read_timeout:g} s: {error}") from None
        except BotoCoreError as error:
            raise OutcomeUnknown(str(error)) from None
