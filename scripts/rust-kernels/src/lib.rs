use std::collections::HashMap;

fn rng(s: &mut u64) -> u64 {
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    *s
}

/// SHA-256-like compression rounds over a buffer.
#[no_mangle]
pub extern "C" fn k_sha(n: u32) -> u32 {
    const K: [u32; 64] = {
        let mut k = [0u32; 64];
        let mut i = 0;
        while i < 64 {
            k[i] = (i as u32).wrapping_mul(0x9e3779b9) ^ 0x428a2f98;
            i += 1;
        }
        k
    };
    let mut h = [
        0x6a09e667u32,
        0xbb67ae85,
        0x3c6ef372,
        0xa54ff53a,
        0x510e527f,
        0x9b05688c,
        0x1f83d9ab,
        0x5be0cd19,
    ];
    let mut w = [0u32; 64];
    for blk in 0..n {
        for i in 0..16 {
            w[i] = blk.wrapping_mul(i as u32 + 1) ^ h[i & 7];
        }
        for i in 16..64 {
            let s0 = w[i - 15].rotate_right(7) ^ w[i - 15].rotate_right(18) ^ (w[i - 15] >> 3);
            let s1 = w[i - 2].rotate_right(17) ^ w[i - 2].rotate_right(19) ^ (w[i - 2] >> 10);
            w[i] = w[i - 16]
                .wrapping_add(s0)
                .wrapping_add(w[i - 7])
                .wrapping_add(s1);
        }
        let [mut a, mut b, mut c, mut d, mut e, mut f, mut g, mut hh] = h;
        for i in 0..64 {
            let s1 = e.rotate_right(6) ^ e.rotate_right(11) ^ e.rotate_right(25);
            let ch = (e & f) ^ (!e & g);
            let t1 = hh
                .wrapping_add(s1)
                .wrapping_add(ch)
                .wrapping_add(K[i])
                .wrapping_add(w[i]);
            let s0 = a.rotate_right(2) ^ a.rotate_right(13) ^ a.rotate_right(22);
            let maj = (a & b) ^ (a & c) ^ (b & c);
            let t2 = s0.wrapping_add(maj);
            hh = g;
            g = f;
            f = e;
            e = d.wrapping_add(t1);
            d = c;
            c = b;
            b = a;
            a = t1.wrapping_add(t2);
        }
        h[0] = h[0].wrapping_add(a);
        h[1] = h[1].wrapping_add(b);
        h[2] = h[2].wrapping_add(c);
        h[3] = h[3].wrapping_add(d);
        h[4] = h[4].wrapping_add(e);
        h[5] = h[5].wrapping_add(f);
        h[6] = h[6].wrapping_add(g);
        h[7] = h[7].wrapping_add(hh);
    }
    h.iter().fold(0, |x, y| x ^ y)
}

/// HashMap inserts and lookups.
#[no_mangle]
pub extern "C" fn k_hashmap(n: u32) -> u32 {
    let mut m: HashMap<u64, u64> = HashMap::new();
    let mut s = 88172645463325252u64;
    let mut acc = 0u64;
    for _ in 0..n {
        let k = rng(&mut s) % 100_000;
        *m.entry(k).or_insert(0) += 1;
        if let Some(v) = m.get(&(k ^ 1)) {
            acc = acc.wrapping_add(*v);
        }
    }
    (acc as u32) ^ (m.len() as u32)
}

/// Sort f64s and u32s.
#[no_mangle]
pub extern "C" fn k_sort(n: u32) -> u32 {
    let mut s = 1234567u64;
    let mut v: Vec<f64> = (0..n)
        .map(|_| (rng(&mut s) % 1_000_000) as f64 * 0.5)
        .collect();
    v.sort_by(|a, b| a.partial_cmp(b).unwrap());
    let mut u: Vec<u32> = (0..n).map(|_| rng(&mut s) as u32).collect();
    u.sort_unstable();
    (v[(n / 2) as usize] as u32) ^ u[(n / 3) as usize]
}

/// A bytecode interpreter loop (match dispatch).
#[no_mangle]
pub extern "C" fn k_vm(n: u32) -> u32 {
    let prog: [u8; 12] = [0, 1, 2, 3, 1, 4, 0, 2, 5, 3, 4, 6];
    let (mut a, mut b, mut c) = (1u32, 2u32, 3u32);
    let mut pc = 0usize;
    for _ in 0..n {
        match prog[pc] {
            0 => a = a.wrapping_add(b),
            1 => b ^= a.rotate_left(5),
            2 => c = c.wrapping_mul(a | 1),
            3 => a = a.wrapping_sub(c >> 3),
            4 => b = b.wrapping_add(c),
            5 => c ^= b,
            _ => {
                a ^= 0x55;
                pc = 0;
                continue;
            }
        }
        pc += 1;
    }
    a ^ b ^ c
}

enum Tree {
    Leaf(u32),
    Node(Box<Tree>, Box<Tree>),
}
fn build(d: u32, s: &mut u64) -> Tree {
    if d == 0 {
        Tree::Leaf(rng(s) as u32)
    } else {
        Tree::Node(Box::new(build(d - 1, s)), Box::new(build(d - 1, s)))
    }
}
fn sum(t: &Tree) -> u32 {
    match t {
        Tree::Leaf(x) => *x,
        Tree::Node(a, b) => sum(a).wrapping_add(sum(b)),
    }
}

/// Allocation-heavy binary trees.
#[no_mangle]
pub extern "C" fn k_trees(n: u32) -> u32 {
    let mut s = 42u64;
    let mut acc = 0u32;
    for _ in 0..n {
        let t = build(14, &mut s);
        acc = acc.wrapping_add(sum(&t));
    }
    acc
}

/// String building and parsing.
#[no_mangle]
pub extern "C" fn k_strings(n: u32) -> u32 {
    let mut acc = 0u32;
    for i in 0..n {
        let s = format!("{}-{}-{:x}", i, i.wrapping_mul(31), i ^ 0xabc);
        let parts: Vec<&str> = s.split('-').collect();
        acc = acc
            .wrapping_add(parts[0].parse::<u32>().unwrap())
            .wrapping_add(parts[1].len() as u32);
        acc ^= u32::from_str_radix(parts[2], 16).unwrap();
    }
    acc
}

/// u64 multiply-heavy modular exponentiation with u128.
#[no_mangle]
pub extern "C" fn k_modpow(n: u32) -> u32 {
    let m: u64 = 0xffff_ffff_0000_0001;
    let mut acc = 0u64;
    for i in 0..n as u64 {
        let (mut b, mut e, mut r) = (i + 2, 0x1234_5678_9abc_def1u64 ^ i, 1u64);
        while e > 0 {
            if e & 1 == 1 {
                r = ((r as u128 * b as u128) % m as u128) as u64;
            }
            b = ((b as u128 * b as u128) % m as u128) as u64;
            e >>= 1;
        }
        acc ^= r;
    }
    acc as u32 ^ (acc >> 32) as u32
}

/// memcpy/memset-heavy buffer shuffling.
#[no_mangle]
pub extern "C" fn k_memops(n: u32) -> u32 {
    let mut a = vec![0u8; 1 << 16];
    let mut b = vec![1u8; 1 << 16];
    let mut s = 7u64;
    for _ in 0..n {
        let off = (rng(&mut s) % 30000) as usize;
        let len = (rng(&mut s) % 30000) as usize;
        a[off..off + len].copy_from_slice(&b[..len]);
        b[len / 2..len].fill((off & 0xff) as u8);
        a.swap(off, len);
    }
    a.iter()
        .step_by(97)
        .fold(0u32, |x, &y| x.wrapping_mul(31).wrapping_add(y as u32))
}
