# Starts Apertium APy bound to 127.0.0.1 only: APy itself binds every
# interface and has no option for it, so tornado's bind is wrapped.
import sys
import tornado.tcpserver as _t
_orig_bind = _t.TCPServer.bind
def _bind_loopback(self, port, address=None, *args, **kwargs):
    return _orig_bind(self, port, "127.0.0.1", *args, **kwargs)
_t.TCPServer.bind = _bind_loopback
from apertium_apy.apy import main
if __name__ == "__main__":
    sys.argv[0] = "apertium-apy"
    main()
