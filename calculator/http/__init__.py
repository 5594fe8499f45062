"""Everything between a request and a view, and back.

``security`` (headers, and the CSP of a frameable answer), ``logs`` (one
JSON line a request), ``compression`` (gzip), ``errors`` (error pages, and
JSON errors for the API), ``middleware`` (no cookie on the embed),
``caching`` (Cache-Control, ETags, 304s), ``cors`` (who may read an answer),
``ratelimit`` (atomic counters for limits), ``throttle`` (failed sign-ins)
and ``health`` (the load balancer's check).
"""
