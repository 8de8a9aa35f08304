// Packets: link, network and transport headers decoded in place into reusable values.
