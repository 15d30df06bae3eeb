#!/usr/bin/env python3
"""Translate template.yaml (SAM) to plain CloudFormation, offline, for cfn-lint.

cfn-lint on the SAM template alone does not see what SAM makes of functions, events, schedules and
the HTTP API; linting the translated template does. Run from the tools venv (infra/test.sh):

    .venv/tools/bin/python infra/sam_translate.py template.yaml target/cfn/template.json

No AWS account or network is used: the region, account and stack name are fixed stand-ins, the
template's required parameters get sample values, and managed policies are refused (the template
names none: every role's policy is written out in it).
"""

import json
import os
import sys
from pathlib import Path

# Pseudo parameters the translator would otherwise ask boto3 for.
os.environ.setdefault("AWS_DEFAULT_REGION", "ap-northeast-2")
os.environ["AWS_EC2_METADATA_DISABLED"] = "true"

from cfnlint.decode import decode  # noqa: E402  (after the environment is set)
from samtranslator.model.exceptions import InvalidDocumentException  # noqa: E402
from samtranslator.translator.transform import transform  # noqa: E402

# Values for parameters without a default: shaped like real ones so patterns and Subs resolve.
SAMPLE_PARAMETERS = {
    "DomainName": "ttokttok.example.com",
    "CertificateArn": "arn:aws:acm:ap-northeast-2:123456789012:certificate/0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b",
    "KakaoAppId": "100001",
    "AWS::Region": "ap-northeast-2",
    "AWS::AccountId": "123456789012",
    "AWS::Partition": "aws",
    "AWS::StackName": "ttokttok",
    "AWS::URLSuffix": "amazonaws.com",
}


class NoManagedPolicies:
    """The translator asks for managed policy ARNs by name only when a template uses one."""

    def load(self):
        raise SystemExit("template.yaml names a managed policy by name; write the statements out instead")


def stand_in_packaged_code(template):
    """What `sam package` does to local code: an S3 location per function (the translator
    accepts nothing else). The template's own CodeUri must be a local path, as `sam build` needs."""
    code_uri = template.get("Globals", {}).get("Function", {}).pop("CodeUri", None)
    for name, resource in template.get("Resources", {}).items():
        if resource.get("Type") != "AWS::Serverless::Function":
            continue
        local = resource.get("Properties", {}).get("CodeUri", code_uri)
        if not isinstance(local, str) or local.startswith("s3://"):
            raise SystemExit(f"{name}: CodeUri should be a local path for sam build, got {local!r}")
        resource["Properties"]["CodeUri"] = f"s3://ttokttok-artifacts/{name}.zip"


def main(argv):
    if len(argv) != 3:
        raise SystemExit(f"usage: {argv[0]} TEMPLATE.yaml OUTPUT.json")
    source, output = Path(argv[1]), Path(argv[2])
    template, matches = decode(str(source))
    if matches:
        for match in matches:
            print(match, file=sys.stderr)
        raise SystemExit(f"{source} could not be read")
    stand_in_packaged_code(template)
    try:
        translated = transform(template, dict(SAMPLE_PARAMETERS), NoManagedPolicies())
    except InvalidDocumentException as e:
        for cause in e.causes:
            print(f"{source}: {cause.message}", file=sys.stderr)
        raise SystemExit(f"{source}: SAM could not translate it") from None
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(translated, indent=2, sort_keys=True, default=str) + "\n")
    kinds = {}
    for resource in translated.get("Resources", {}).values():
        kinds[resource["Type"]] = kinds.get(resource["Type"], 0) + 1
    summary = ", ".join(f"{n} {kind}" for kind, n in sorted(kinds.items()))
    print(f"{source} -> {output}: {sum(kinds.values())} resources ({summary})")


if __name__ == "__main__":
    main(sys.argv)
