//! The only module that calls the component's imports: it collects the granted environment
//! and the project files that the chain needs, and nothing more.

use crate::status::{self, FileInput, Inputs};
use crate::wit::project::{self, ProjectFile};
use crate::wit::types::Source;

pub fn inputs() -> Inputs {
    let env = status::variable_names()
        .into_iter()
        .filter_map(|name| {
            std::env::var_os(name).map(|v| (name.to_string(), v.to_string_lossy().into_owned()))
        })
        .collect();
    let dirs = project::ancestors();
    let dotenvs: Vec<FileInput> = status::dotenv_locations(&dirs)
        .into_iter()
        .map(|(source, depth)| read(source, depth, ProjectFile::Dotenv))
        .collect();
    // `.gitignore` files only matter when a `.env` file exists inside a git repository.
    let any_dotenv = dotenvs.iter().any(|d| matches!(d.read, Ok(Some(_))));
    let gitignores = match status::git_top(&dirs) {
        Some(top) if any_dotenv => (0..=top)
            .map(|depth| read(Source::CwdDotenv, depth, ProjectFile::Gitignore))
            .collect(),
        _ => Vec::new(),
    };
    Inputs {
        env,
        dirs,
        dotenvs,
        gitignores,
    }
}

fn read(source: Source, depth: usize, file: ProjectFile) -> FileInput {
    FileInput {
        source,
        depth,
        read: project::read(u32::try_from(depth).unwrap_or(u32::MAX), file),
    }
}
