//! `fabrik-test-pg`: one throw-away PostgreSQL server for a whole test run (scripts/test.sh),
//! so test processes share it instead of each starting its own. Prints the superuser URL on
//! the first line, then holds the server until standard input closes; killed, its watcher
//! stops the server all the same (see `TestCluster`).

use std::io::Read;

fn main() {
    let cluster = match fabrik_sim::pg::TestCluster::start_own() {
        Ok(c) => c,
        Err(e) => {
            eprintln!("fabrik-test-pg: {e}");
            std::process::exit(1);
        }
    };
    println!("{}", cluster.url());
    // Until the test command is done with it (it closes our stdin, or ends).
    let _ = std::io::stdin().read_to_end(&mut Vec::new());
    drop(cluster);
}
