//! Avatars drawn locally from the server's `avatar_seed`: no image requests, nothing to track.

/// A 5×5 left-right symmetric pattern and its colour.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Identicon {
    cells: [[bool; 5]; 5],
    hue: u16,
}

/// FNV-1a: tiny, stable across platforms and versions, good enough to spread short seeds.
fn fnv1a(data: &[u8], basis: u64) -> u64 {
    data.iter().fold(basis, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3)
    })
}

impl Identicon {
    /// Derives the pattern from a seed; the same seed always gives the same picture.
    pub fn from_seed(seed: &str) -> Self {
        let h = fnv1a(seed.as_bytes(), 0xcbf2_9ce4_8422_2325);
        // A second, differently seeded hash so colour and pattern do not move together.
        let h2 = fnv1a(seed.as_bytes(), h ^ 0x9e37_79b9_7f4a_7c15);
        let mut cells = [[false; 5]; 5];
        for (y, row) in cells.iter_mut().enumerate() {
            for x in 0..3 {
                let on = (h >> (y * 3 + x)) & 1 == 1;
                row[x] = on;
                row[4 - x] = on;
            }
        }
        if cells.iter().flatten().all(|c| !c) {
            // An empty square would look like a missing image.
            cells[2][2] = true;
        }
        Identicon {
            cells,
            hue: (h2 % 360) as u16,
        }
    }

    /// The filled cells as (column, row), for `<rect x y width=1 height=1>`.
    pub fn filled(&self) -> Vec<(u8, u8)> {
        let mut out = Vec::new();
        for (y, row) in (0u8..).zip(self.cells.iter()) {
            for (x, on) in (0u8..).zip(row.iter()) {
                if *on {
                    out.push((x, y));
                }
            }
        }
        out
    }

    /// The foreground colour, as an SVG `fill` value.
    pub fn color(&self) -> String {
        format!("hsl({} 55% 46%)", self.hue)
    }

    /// A pale tint of the same hue for the background.
    pub fn background(&self) -> String {
        format!("hsl({} 45% 92%)", self.hue)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_draws_the_same_avatar() {
        let a = Identicon::from_seed("9f2c41aa");
        assert_eq!(a, Identicon::from_seed("9f2c41aa"));
        assert_ne!(
            a,
            Identicon::from_seed("9f2c41ab"),
            "neighbouring seeds look different"
        );
    }

    #[test]
    fn avatars_are_mirror_symmetric_and_never_blank() {
        for seed in ["", "0", "ab", "ffffffffffffffff", "deadbeef", "00000000"] {
            let i = Identicon::from_seed(seed);
            let filled = i.filled();
            assert!(!filled.is_empty(), "{seed:?}");
            for (x, y) in &filled {
                assert!(
                    filled.contains(&(4 - x, *y)),
                    "{seed:?} not symmetric at {x},{y}"
                );
                assert!(*x < 5 && *y < 5);
            }
            assert!(i.color().starts_with("hsl("));
        }
    }

    #[test]
    fn seeds_spread_over_many_colours_and_patterns() {
        let icons: Vec<Identicon> = (0..50)
            .map(|n| Identicon::from_seed(&format!("{n:x}")))
            .collect();
        let hues: std::collections::HashSet<u16> = icons.iter().map(|i| i.hue / 30).collect();
        let patterns: std::collections::HashSet<Vec<(u8, u8)>> =
            icons.iter().map(Identicon::filled).collect();
        assert!(hues.len() >= 8, "{hues:?}");
        assert!(patterns.len() >= 45);
    }
}
