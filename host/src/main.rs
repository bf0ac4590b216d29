fn main() -> std::process::ExitCode {
    qianwen_auth::main()
}
