"""Everything between a request and a view, and back.

``security`` (headers), ``logs`` (one JSON line a request), ``compression``
(gzip), ``errors`` (error pages, and JSON errors for the API), ``middleware``
(no cookie on the embed), ``caching`` (Cache-Control, ETags, 304s),
``rendered`` (answers rendered once and kept), ``cors`` (who may read an
answer), ``ratelimit`` (atomic counters for limits), ``throttle`` (failed
sign-ins) and ``health`` (the load balancer's check).
"""
