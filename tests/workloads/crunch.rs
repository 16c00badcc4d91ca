// crunch [SECONDS] — a Rust program whose hot function inlines core-library
// code: crunch::hidden::crunch's loop is slice iteration (core's
// ptr/non_null.rs), integer arithmetic (num/uint_macros.rs) and comparisons
// (cmp.rs), all inlined into it; crunch::light sums the slice, with less
// work per element. Built by tests/t-rust.sh with -C debuginfo=2 -C
// opt-level=2.
mod hidden {
    #[inline(never)]
    pub fn crunch(v: &mut [u64], rounds: u32) -> u64 {
        let mut acc = 0u64;
        for r in 0..rounds {
            for x in v.iter_mut() {
                *x = x
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407)
                    .rotate_left(r % 63);
                acc = acc.max(*x).min(u64::MAX - 1);
            }
        }
        acc
    }
}

#[inline(never)]
fn light(v: &[u64], rounds: u32) -> u64 {
    let mut acc = 0u64;
    for _ in 0..rounds {
        for &x in v {
            acc = acc.wrapping_add(x).rotate_left(7);
        }
    }
    acc
}

fn main() {
    let secs: f64 = match std::env::args().nth(1) {
        Some(s) => s.parse().expect("SECONDS expected"),
        None => 3.0,
    };
    let start = std::time::Instant::now();
    let mut v: Vec<u64> = (0..4096).collect();
    let mut sink = 0u64;
    while start.elapsed().as_secs_f64() < secs {
        sink ^= hidden::crunch(&mut v, 12);
        sink ^= light(&v, 12);
    }
    std::process::exit(if sink == 42 { 1 } else { 0 });
}
