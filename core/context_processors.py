# The service's own name, in the header and the title of every page (the 500 page too,
# which is drawn without context processors).
SERVICE_NAME = "Insource"


def site(request):
    """Names every page needs."""
    return {"service_name": SERVICE_NAME}
