"""Used only by the bench's settings: each response says how much CPU its request took on
the server, so that bench/load.py can measure server CPU per request from the client side
without counting the client's own work or the time a request waited for a worker."""
import time


class ServerTimingMiddleware:
    """Adds `Server-Timing: cpu;dur=<ms>`: the CPU time of the thread that served the
    request (a gthread worker serves several requests at once, one a thread)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.thread_time()
        response = self.get_response(request)
        response["Server-Timing"] = f"cpu;dur={(time.thread_time() - started) * 1000:.2f}"
        return response
