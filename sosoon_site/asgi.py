"""ASGI entry point: HTTP through Django, /ws/ through Channels with session auth.

The origin validator refuses sockets opened from other sites (another host, or another port
of this host); the auth stack puts the session
user in the scope so the consumer can close signed-out sockets with 4401.
"""

from sosoon_site.startup import load_settings_or_exit

load_settings_or_exit()

from django.core.asgi import get_asgi_application  # noqa: E402

django_asgi_app = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402

from sosoon_site.origin import SameSiteOriginValidator  # noqa: E402
from sosoon_site.routing import websocket_urlpatterns  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        "websocket": SameSiteOriginValidator(AuthMiddlewareStack(URLRouter(websocket_urlpatterns))),
    }
)
