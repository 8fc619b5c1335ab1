def site(request):
    """Names every page needs."""
    return {"service_name": "Insource"}
