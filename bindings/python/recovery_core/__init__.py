"""Python bindings of recovery-core.

Everything lives in the generated module ``recovery_core.recovery_core`` (written by
``uniffi-bindgen`` together with the Rust library it loads); this package re-exports it::

    from recovery_core import Portal, NewPerson, Role
"""

from .recovery_core import *  # noqa: F401,F403
