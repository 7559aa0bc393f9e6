"""One flow factory module per driver operation.

Each module offers ``DESCRIPTION`` (one line), ``RESULT`` (the store name
the driver reads back, or None), ``build(client, request)`` returning an
unloaded TaskFlow flow, and ``sample_request(family)`` -- plain data good
enough to build (not run) the flow, so graphs can be dumped without an
array.  ``request`` is the flow's store: plain JSON data.
"""
