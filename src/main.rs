//! The `formsift` binary: parse the flags, resolve them, run, exit.

use clap::Parser;

/// Records are built from many small strings: a faster allocator pays.
#[global_allocator]
static ALLOC: formsift::alloc::Allocator = formsift::alloc::Allocator;
use formsift::cli::{Cli, Command};
use formsift::{Config, ExitStatus, Template};

fn main() {
    formsift::no_huge_pages();
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
        Command::Report(args) => Config::report(&args).and_then(|c| formsift::run(&c)),
        Command::Text(args) => Config::text(&args).and_then(|c| formsift::run(&c)),
        Command::Explain(args) => Config::explain(&args).and_then(|c| formsift::run(&c)),
        Command::Draft(args) => Config::draft(&args).and_then(|c| formsift::run(&c)),
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
