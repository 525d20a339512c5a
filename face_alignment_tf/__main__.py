"""python -m face_alignment_tf: the face-align command line."""

import sys

from face_alignment_tf.cli import main

sys.exit(main())
