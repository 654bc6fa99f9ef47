//! The `formsift` binary: parse the flags, resolve them, run, exit.

use clap::Parser;

/// Records are built from many small strings: a faster allocator pays.
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;
use formsift::cli::{Cli, Command};
use formsift::{Config, ExitStatus, Template};

fn main() {
    no_huge_pages();
    // A panic while reading one document becomes that document's error
    // record (see pipeline::process); only a panic outside the workers is
    // worth a message.
    std::panic::set_hook(Box::new(|info| {
        if std::thread::current().name() == Some("main") {
            eprintln!("formsift: internal error: {info}");
        }
    }));
    let cli = Cli::parse();
    if !matches!(cli.command, Command::PdfWorker { .. }) {
        formsift::interrupt::install();
    }
    let status = match cli.command {
        Command::Extract(args) => Config::extract(&args).and_then(|c| formsift::run(&c)),
        Command::Validate(args) => Config::validate(&args).and_then(|c| formsift::run(&c)),
        Command::PdfWorker { memory_mb } => {
            let code = match formsift::input::pdf::worker::serve(memory_mb) {
                Ok(()) => 0,
                Err(_) => 2,
            };
            std::process::exit(code);
        }
        Command::Templates => {
            for (name, _) in formsift::template::BUILT_IN {
                let t = Template::load(name).expect("built-in templates compile");
                println!("{name}\t{}", t.description);
            }
            Ok(ExitStatus::Success)
        }
    };
    let code = match status {
        Ok(s) => s.code(),
        Err(e) => {
            eprintln!("formsift: {e}");
            ExitStatus::Error.code()
        }
    };
    std::process::exit(code);
}

/// Transparent huge pages cost more than they give here: mimalloc asks for
/// them on its arenas, and every 2 MiB page the program touches is then
/// zeroed whole. A batch's memory is many small strings, so start-up alone
/// spent 70–100 ms of system time clearing pages, and a one-file run held
/// 46 MB instead of 16 MB. The setting is inherited by the PDF worker.
fn no_huge_pages() {
    #[cfg(target_os = "linux")]
    // SAFETY: prctl with PR_SET_THP_DISABLE only sets a flag of this
    // process; it reads no memory of ours.
    unsafe {
        libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
    }
}
