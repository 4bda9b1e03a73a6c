"""Items REST API: an API Gateway (REST, proxy integration) handler backed by DynamoDB.

The Lambda entry point is ``items_api.handler.handle``.
"""
