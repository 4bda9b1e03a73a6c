#!/usr/bin/python
# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: validate_settings
short_description: Check the settings of this collection's roles before any AWS call
version_added: 0.1.0
description:
  - Reads the C(meta/argument_specs.yml) of each role in O(roles) (the single declaration
    of its settings), templates every declared setting with the task's variables and checks
    it against its declaration with Ansible's C(ArgumentSpecValidator) (type, choices,
    required, nested options).
  - Then applies the rules of the AWS API reference that a declaration cannot express,
    namely DynamoDB table, Lambda function, IAM role and API Gateway stage names; Lambda memory
    128-10240 MB and timeout 1-900 s (a warning above API Gateway's 29 s integration limit);
    the Python runtimes Lambda still creates functions with; a build folder the deploy can
    write to or create; CloudWatch Logs retention values; table encryption given as a mapping
    with C(enabled) true; KMS keys as key id, key ARN, alias name or alias ARN in the deploy
    region; usage plan rate, burst and quota; PROVISIONED capacities; point-in-time recovery
    period 1-35 days; REST API, API key and usage plan names (the REST API name also makes the
    Lambda permission's statement id C(apigateway-<name>), at most 100 letters, digits, C(_)
    and C(-)); tags (keys 1-128 and values 0-256 characters, both strings, at most 50 per
    resource; C(deploy_tags) names C(deploy_project) and C(deploy_environment) as C(project)
    and C(environment), and no role's tags set C(project), C(environment) or C(managed_by));
    and Lambda environment variables (names, the names Lambda reserves, string or number
    values, 4 KB as Lambda measures it), with the rules the lambda_function module applies.
  - >-
    The OpenAPI file is read as the apigateway role reads it, but a key declared twice (which
    YAML would silently drop) is an error naming both lines, and the document is checked with
    the rules of the apigw_rest_api module itself (C(module_utils/openapi.py)): OpenAPI
    version 3.0, path segments, greedy and variable segments, HTTP methods, Lambda proxy
    integrations with C(httpMethod) POST and C(timeoutInMillis) 50-29000, security schemes
    and API Gateway extensions. Each problem names the path and method, the file and its line.
  - A variable whose name starts with one of O(prefixes) and that no role of the collection
    declares is an error that names the closest declared setting.
  - >-
    All problems are reported in one failure, one line per problem, in the form
    C(<variable>: <problem>; got <value>; allowed: <what is allowed>), followed by
    C( (from <file>:<line>)) where Ansible's data tagging knows where the value was set
    (file paths are relative to the collection root when inside it).
  - This is an action plugin; it runs on the controller and makes no AWS call.
options:
  roles:
    description:
      - Roles of this collection whose settings are checked, in the order problems are
        reported. A setting declared by several roles is checked with the first declaration.
      - Each role is templated with its own C(role_path), so defaults such as
        C({{ role_path }}/files/openapi.yml) resolve as they do in the role.
    type: list
    elements: str
    required: true
  prefixes:
    description:
      - Name prefixes of settings. A variable with one of them that no role of the
        collection declares, and that is not in O(not_settings), is an error.
      - Defaults to each role name in O(roles) followed by C(_).
    type: list
    elements: str
  not_settings:
    description:
      - Variables with a setting prefix that are not settings, for example results a
        playbook registers.
      - Names the collection's roles create are always excluded without being listed here;
        they are read from the roles themselves (C(register) and C(set_fact) in their
        tasks and handlers, and the keys of their C(vars/) files).
    type: list
    elements: str
    default: []
attributes:
  check_mode:
    description: Only reads variables and files, so it runs the same in check mode.
    support: full
  diff_mode:
    description: Changes nothing, so it never reports a difference.
    support: full
  action:
    description: Runs on the controller as an action plugin.
    support: full
notes:
  - Booleans follow Ansible's conversion, so V(yes), V(on), V(1) and V(true) (any case) are
    true. Numbers given as strings are converted (V("10") for a whole number); a list or
    mapping where a string or number is expected, and a boolean where a number is expected,
    are refused rather than converted.
  - A null value is accepted only for settings whose declared default is null (for example
    C(apigateway_quota) or the table capacities).
  - An error caused by another setting's error (a default such as C({{ table_name }})) is
    left out, so each mistake is reported once.
  - The value of C(lambda_environment) is never printed; its variable names are.
  - The origin is shown only where the value carries a data tag; Ansible cannot tag
    booleans and null, so lines about them have no C((from ...)).
  - Lines about the OpenAPI file always point at the file and line the problem is on, as
    pre-flight reads that file itself. It reads YAML and JSON as the apigateway role's
    C(from_yaml) does; a file that needs Ansible's own YAML tags (C(!vault), C(!unsafe)) is
    refused as unreadable.
  - Warnings (a Lambda timeout above 29 seconds) are reported without failing.
author:
  - Items API platform team
"""

EXAMPLES = r"""
- name: Ensure every setting is valid before any AWS call
  serverless.rest_api.validate_settings:
    roles: [preflight, table, lambda, apigateway, summary]
    prefixes: [table_, lambda_, apigateway_, summary_, preflight_, deploy_]
    not_settings: [table_result, lambda_function_result]
  register: preflight_settings_result

- name: Check only the table settings
  serverless.rest_api.validate_settings:
    roles: [table]
"""

RETURN = r"""
errors:
  description: One line per problem; empty when the settings passed.
  returned: always
  type: list
  elements: str
  sample:
    - >-
      table_sse: expected a mapping, not a list; got [{"enabled": true}];
      allowed: a mapping like {enabled: true, kms_key: alias/aws/dynamodb}
      (from inventories/prod/group_vars/prod.yml:7)
warnings:
  description: One line per warning, in the same form; also shown as Ansible warnings.
  returned: always
  type: list
  elements: str
  sample:
    - >-
      lambda_timeout: longer than API Gateway's 29-second integration timeout, so clients
      get HTTP 504 before the function gives up; got 60; allowed: 1 to 29 seconds for a
      function behind API Gateway
account_checks:
  description: What the read-only account checks need, taken from the validated settings.
  returned: success
  type: dict
  contains:
    kms_keys:
      description: The KMS keys the settings name, with the setting and its origin.
      type: list
      elements: dict
      sample: [{"setting": "lambda_kms_key", "key": "alias/aws/lambda"}]
    concurrency:
      description:
        - The function and its reserved concurrency, or null when the lambda role is not
          checked.
      type: dict
      sample:
        setting: lambda_reserved_concurrency
        function_name: items-api-dev-items
        reserved_concurrency: 10
        min_unreserved: 100
"""
