"""The Datasette site: database build, metadata, Chinese search plugin, serve and publish."""
