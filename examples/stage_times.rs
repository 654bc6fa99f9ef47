//! Time of each stage per form, over forms of a corpus held in memory (no
//! file reading), each stage run on its own, many times over:
//!     cargo run --release --example stage_times -- DIR [FORMS] [ROUNDS]
//! With WHOLE=1, only the whole path (bytes to JSON) runs, on one thread:
//! instructions per form are then the difference of two callgrind runs
//! with different ROUNDS, divided by FORMS.
use std::time::{Duration, Instant};

#[global_allocator]
static GLOBAL: formsift::alloc::Allocator = formsift::alloc::Allocator;

fn main() {
    formsift::no_huge_pages();
    let mut args = std::env::args().skip(1);
    let dir = args.next().expect("DIR");
    let forms: usize = args.next().map_or(300, |n| n.parse().unwrap());
    let rounds: usize = args.next().map_or(20, |n| n.parse().unwrap());
    let mut paths = Vec::new();
    let mut stack = vec![std::path::PathBuf::from(dir)];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p)
            } else if p.extension().is_some_and(|x| x == "txt") {
                paths.push(p)
            }
        }
    }
    paths.sort();
    let files: Vec<Vec<u8>> = paths
        .iter()
        .take(forms)
        .map(|p| std::fs::read(p).unwrap())
        .collect();
    let t = formsift::Template::default_template();
    let n = (files.len() * rounds) as f64;
    let time = |f: &mut dyn FnMut(usize)| {
        let clock = Instant::now();
        for _ in 0..rounds {
            for i in 0..files.len() {
                f(i)
            }
        }
        clock.elapsed()
    };
    if std::env::var_os("WHOLE").is_some() {
        let mut out = Vec::with_capacity(1 << 20);
        for _ in 0..rounds {
            for f in &files {
                out.clear();
                for r in formsift::pipeline::process_bytes(&t, "x.txt", f) {
                    formsift::output::json::record(&mut out, &r, false);
                }
            }
        }
        return;
    }
    let decoded: Vec<_> = files
        .iter()
        .map(|b| formsift::input::text::decode(b).unwrap())
        .collect();
    let lines: Vec<_> = decoded
        .iter()
        .map(|d| formsift::input::lines::split_lines(&d.text))
        .collect();
    let records: Vec<_> = files
        .iter()
        .map(|b| formsift::pipeline::process_bytes(&t, "x.txt", b))
        .collect();
    let d_decode = time(&mut |i| {
        drop(std::hint::black_box(formsift::input::text::decode(
            &files[i],
        )))
    });
    let d_lines = time(&mut |i| {
        drop(std::hint::black_box(formsift::input::lines::split_lines(
            &decoded[i].text,
        )))
    });
    let d_extract = time(&mut |i| {
        drop(std::hint::black_box(formsift::extract::extract(
            &t, &lines[i],
        )))
    });
    let d_whole = time(&mut |i| {
        drop(std::hint::black_box(formsift::pipeline::process_bytes(
            &t, "x.txt", &files[i],
        )))
    });
    let mut out = Vec::with_capacity(1 << 20);
    let d_json = time(&mut |i| {
        out.clear();
        for r in &records[i] {
            formsift::output::json::record(&mut out, r, false);
        }
    });
    let us = |d: Duration| d.as_secs_f64() * 1e6 / n;
    let lines_n: usize = lines.iter().map(|l| l.len()).sum();
    println!(
        "{} forms x {rounds}; {:.0} lines/form",
        files.len(),
        lines_n as f64 / files.len() as f64
    );
    println!("decode          {:6.1} us/form", us(d_decode));
    println!("lines           {:6.1} us/form", us(d_lines));
    println!("extract         {:6.1} us/form", us(d_extract));
    println!(
        "rest of process {:6.1} us/form (type, validate, record)",
        us(d_whole) - us(d_decode) - us(d_lines) - us(d_extract)
    );
    println!("process total   {:6.1} us/form", us(d_whole));
    println!("json            {:6.1} us/form", us(d_json));
}
