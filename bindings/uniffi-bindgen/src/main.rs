//! The UniFFI bindings generator, built from the same uniffi version as `recovery-ffi` so that
//! the generated code always matches the library's scaffolding.

fn main() {
    uniffi::uniffi_bindgen_main()
}
